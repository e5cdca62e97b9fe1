//! The web UI's own context-menu items (`serve --context-menu FILE`), as the Navigator's
//! `custom_context_menu_items`.

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
