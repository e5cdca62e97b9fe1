// Globals the web UI sets for the browser suite (read-only hooks).
interface Window {
  navlayerPainted?: number;
  navlayerPaintedColumns?: number;
  navlayerDebug?: { doc: () => import("../../crates/server/assets/js/doc.js").Doc | null; selection: import("../../crates/server/assets/js/selection.js").Selection; tabs: import("../../crates/server/assets/js/tabs.js").Tabs };
}
