//! The matrix view the web UI draws: navlayer-render's [`MatrixView`] as JSON, so the editor
//! shows the same cells, order and colours as the SVG/PNG/HTML/XLSX outputs.

use navlayer_render::{Cell, MatrixView, Meta, RenderOptions};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::router::AppState;
use crate::support::{blocking, Deadline};

fn hex(c: Option<navlayer_render::Rgb>) -> Value {
    c.map_or(Value::Null, |c| Value::String(c.hex()))
}

fn cell(c: &Cell) -> Value {
    let metadata: Vec<Value> = c
        .metadata
        .iter()
        .map(|m| match m {
            Meta::Pair { name, value } => json!([name, value]),
            Meta::Divider => Value::Null,
        })
        .collect();
    json!({
        "id": c.attack_id, "name": c.name, "tactic": c.tactic, "sub": c.is_sub,
        "subCount": c.sub_count, "expanded": c.expanded, "score": c.score,
        "aggregate": c.aggregate, "comment": c.comment, "enabled": c.enabled,
        "background": hex(c.background), "text": hex(c.text), "annotated": c.annotated,
        "metadata": metadata,
    })
}

/// The view of `layer` as JSON.
pub fn to_json(view: &MatrixView) -> Value {
    let columns: Vec<Value> = view
        .columns
        .iter()
        .map(|col| {
            json!({
                "id": col.attack_id, "name": col.name, "shortname": col.shortname,
                "techniqueCount": col.technique_count,
                "cells": col.cells.iter().map(cell).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "name": view.name, "domain": view.domain, "release": view.release,
        "releaseLabel": view.release_label(),
        "showId": view.show_id, "showName": view.show_name,
        "legend": view.legend.iter().map(|l| json!({"label": l.label, "color": hex(l.color)})).collect::<Vec<_>>(),
        "columns": columns, "warnings": view.warnings,
    })
}

/// Builds the view of a layer against its release, on the blocking pool.
pub async fn build(
    state: &AppState,
    deadline: Deadline,
    layer: navlayer_layer::Layer,
) -> Result<Value, ApiError> {
    let catalogue = state.catalogues.for_layer(&layer, deadline).await?;
    blocking(state, deadline, move || {
        let view = MatrixView::build(&layer, &catalogue, &RenderOptions::default());
        Ok(to_json(&view))
    })
    .await
}
