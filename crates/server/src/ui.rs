//! The web UI: plain HTML, CSS and JavaScript ES modules embedded in the binary (no framework,
//! no build step, no CDN, no external fonts). Each front-end feature is one module under
//! `assets/js/`; `GET /assets/{file}` and `GET /assets/js/{file}` serve them.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

const INDEX: &str = include_str!("../assets/index.html");

/// Every embedded asset: path below `/assets/`, content type, body.
const ASSETS: &[(&str, &str, &str)] = &[
    ("style.css", CSS, include_str!("../assets/style.css")),
    ("js/api.js", JS, include_str!("../assets/js/api.js")),
    ("js/app.js", JS, include_str!("../assets/js/app.js")),
    (
        "js/cellmenu.js",
        JS,
        include_str!("../assets/js/cellmenu.js"),
    ),
    ("js/colour.js", JS, include_str!("../assets/js/colour.js")),
    (
        "js/contextmenu.js",
        JS,
        include_str!("../assets/js/contextmenu.js"),
    ),
    (
        "js/controls.js",
        JS,
        include_str!("../assets/js/controls.js"),
    ),
    ("js/create.js", JS, include_str!("../assets/js/create.js")),
    ("js/doc.js", JS, include_str!("../assets/js/doc.js")),
    ("js/dom.js", JS, include_str!("../assets/js/dom.js")),
    ("js/editor.js", JS, include_str!("../assets/js/editor.js")),
    (
        "js/exporter.js",
        JS,
        include_str!("../assets/js/exporter.js"),
    ),
    (
        "js/keyboard.js",
        JS,
        include_str!("../assets/js/keyboard.js"),
    ),
    ("js/layers.js", JS, include_str!("../assets/js/layers.js")),
    ("js/legend.js", JS, include_str!("../assets/js/legend.js")),
    ("js/lists.js", JS, include_str!("../assets/js/lists.js")),
    ("js/matrix.js", JS, include_str!("../assets/js/matrix.js")),
    ("js/search.js", JS, include_str!("../assets/js/search.js")),
    (
        "js/selection.js",
        JS,
        include_str!("../assets/js/selection.js"),
    ),
    ("js/tabs.js", JS, include_str!("../assets/js/tabs.js")),
    ("js/theme.js", JS, include_str!("../assets/js/theme.js")),
    ("js/tooltip.js", JS, include_str!("../assets/js/tooltip.js")),
    ("js/upgrade.js", JS, include_str!("../assets/js/upgrade.js")),
    ("js/view.js", JS, include_str!("../assets/js/view.js")),
];

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Content Security Policy of the UI: only this server, no inline script.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

fn named(name: &str) -> Result<Response, ApiError> {
    ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, ty, body)| asset(body, ty))
        .ok_or_else(|| ApiError::not_found(format!("no asset {name:?}"), "path"))
}

/// `GET /`.
pub async fn index() -> Response {
    asset(INDEX, "text/html; charset=utf-8")
}

/// `GET /assets/{file}`.
pub async fn file(Path(file): Path<String>) -> Result<Response, ApiError> {
    named(&file)
}

/// `GET /assets/js/{file}`.
pub async fn module(Path(file): Path<String>) -> Result<Response, ApiError> {
    named(&format!("js/{file}"))
}

/// A user-configured context-menu item, as in the Navigator's `custom_context_menu_items`:
/// `url` (and `subtechnique_url` for sub-techniques) may hold the Navigator's placeholders
/// (`{{technique_attackID}}`, `{{technique_stixID}}`, `{{technique_name}}`, `{{tactic_attackID}}`,
/// `{{tactic_stixID}}`, `{{tactic_name}}`, `{{parent_technique_attackID}}`, …), replaced in the
/// browser when the menu opens. Only http(s) and mailto URLs are offered as links.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContextMenuItem {
    /// Text of the menu item.
    pub label: String,
    /// URL template for techniques.
    pub url: String,
    /// URL template for sub-techniques (the `url` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtechnique_url: Option<String>,
}

/// Reads context-menu items from JSON: a list of items, or a Navigator `config.json` holding
/// `custom_context_menu_items`.
pub fn parse_context_menu(text: &str) -> Result<Vec<ContextMenuItem>, String> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Form {
        List(Vec<ContextMenuItem>),
        Config {
            custom_context_menu_items: Vec<ContextMenuItem>,
        },
    }
    let form: Form = serde_json::from_str(text).map_err(|e| {
        format!("{e} (expected a list of {{\"label\", \"url\", \"subtechnique_url\"}} items or a Navigator config.json with custom_context_menu_items)")
    })?;
    let items = match form {
        Form::List(l) => l,
        Form::Config {
            custom_context_menu_items,
        } => custom_context_menu_items,
    };
    if items.len() > 100 {
        return Err(format!("{} context-menu items; at most 100", items.len()));
    }
    Ok(items)
}

/// `GET /api/config`: what the web UI needs from the server's options.
pub async fn config(
    axum::extract::State(state): axum::extract::State<std::sync::Arc<crate::AppState>>,
) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "contextMenuItems": state.config.context_menu }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_menu_items_from_a_list_or_a_navigator_config() {
        let list =
            r#"[{"label": "Search", "url": "https://example.com/?q={{technique_attackID}}"}]"#;
        assert_eq!(parse_context_menu(list).map(|l| l.len()), Ok(1));
        let nav = r#"{"custom_context_menu_items": [{"label": "a", "url": "u", "subtechnique_url": "s"}], "banner": ""}"#;
        let items = parse_context_menu(nav).unwrap_or_default();
        assert_eq!(items[0].subtechnique_url.as_deref(), Some("s"));
        assert!(parse_context_menu("{").is_err());
        assert!(parse_context_menu(r#"[{"label": 3}]"#).is_err());
    }
}
