//! Our additions to the upstream document, as an OpenAPI Overlay 1.0 file.
//!
//! An action's `target` is a JSONPath; we read the subset these files need: `$`,
//! `.name`, `['name']` and the wildcards `.*` / `[*]`. `update` is merged into every node
//! the target selects (objects recursively; any other value replaces), `remove: true`
//! deletes them. Two choices go beyond the Overlay spec, both so that `import` can be
//! trusted: a target that selects nothing is an error (an upstream rename must not
//! silently drop an addition), and appending to a list skips a value already in it
//! (importing our own output again must change nothing).

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::pointer::Pointer;

/// An Overlay document.
#[derive(Debug, Deserialize)]
pub struct Overlay {
    pub overlay: String,
    pub actions: Vec<Action>,
}

/// One action of an overlay.
#[derive(Debug, Deserialize)]
pub struct Action {
    pub target: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub update: Option<Value>,
    #[serde(default)]
    pub remove: bool,
}

/// What one action did.
#[derive(Debug)]
pub struct Applied {
    pub target: String,
    pub description: Option<String>,
    pub nodes: Vec<Pointer>,
}

/// Parses an overlay (YAML or JSON); `source` names it in errors.
pub fn parse(text: &str, source: &str) -> Result<Overlay, String> {
    let overlay: Overlay =
        yaml_serde::from_str(text).map_err(|e| format!("{source}: not an overlay: {e}"))?;
    if !overlay.overlay.starts_with("1.") {
        return Err(format!(
            "{source}: overlay version {} is not supported (1.x only)",
            overlay.overlay
        ));
    }
    Ok(overlay)
}

/// Applies every action of `overlay` to `doc`, in order.
pub fn apply(doc: &mut Value, overlay: &Overlay) -> Result<Vec<Applied>, String> {
    let mut applied = Vec::new();
    for (index, action) in overlay.actions.iter().enumerate() {
        let name = format!("action {} (target {})", index + 1, action.target);
        let path = parse_path(&action.target).map_err(|e| format!("{name}: {e}"))?;
        let nodes = select(doc, &path);
        if nodes.is_empty() {
            return Err(format!(
                "{name} selects nothing in the upstream document; did upstream rename it?"
            ));
        }
        for at in &nodes {
            if action.remove {
                remove(doc, at);
                continue;
            }
            let Some(update) = &action.update else {
                return Err(format!("{name} has neither `update` nor `remove: true`"));
            };
            let node = at.get_mut(doc).expect("select returns existing nodes");
            match (node, update) {
                (Value::Array(list), item) => {
                    if !list.contains(item) {
                        list.push(item.clone());
                    }
                }
                (Value::Object(target), Value::Object(update)) => merge(target, update),
                _ => {
                    return Err(format!(
                        "{name}: {at} is not an object, so an object update cannot merge into it"
                    ));
                }
            }
        }
        applied.push(Applied {
            target: action.target.clone(),
            description: action.description.clone(),
            nodes,
        });
    }
    Ok(applied)
}

/// Merges `update` into `target`: objects key by key, anything else replaced.
fn merge(target: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match (target.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(update)) => merge(inner, update),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

fn remove(doc: &mut Value, at: &Pointer) {
    let Some((parent, last)) = at.split_last() else {
        *doc = Value::Null;
        return;
    };
    match parent.get_mut(doc) {
        Some(Value::Object(map)) => {
            map.remove(&last);
        }
        Some(Value::Array(list)) => {
            if let Ok(i) = last.parse::<usize>()
                && i < list.len()
            {
                list.remove(i);
            }
        }
        _ => {}
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Name(String),
    Wildcard,
}

/// Parses the JSONPath subset: `$`, `.name`, `['name']`, `["name"]`, `.*`, `[*]`.
fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let unsupported = |rest: &str| {
        format!("unsupported JSONPath at `{rest}` (supported: $, .name, ['name'], .*, [*])")
    };
    let mut rest = path
        .trim()
        .strip_prefix('$')
        .ok_or("a JSONPath starts with `$`")?;
    let mut segments = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(".*") {
            segments.push(Segment::Wildcard);
            rest = after;
        } else if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let name = &after[..end];
            if name.is_empty() {
                return Err(unsupported(rest));
            }
            segments.push(Segment::Name(name.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix("[*]") {
            segments.push(Segment::Wildcard);
            rest = after;
        } else if let Some(quote) = rest.strip_prefix('[').and_then(|r| r.chars().next()) {
            if quote != '\'' && quote != '"' {
                return Err(unsupported(rest));
            }
            let inner = &rest[2..];
            let end = inner.find(quote).ok_or_else(|| unsupported(rest))?;
            let after = inner[end + 1..]
                .strip_prefix(']')
                .ok_or_else(|| unsupported(rest))?;
            segments.push(Segment::Name(inner[..end].to_string()));
            rest = after;
        } else {
            return Err(unsupported(rest));
        }
    }
    Ok(segments)
}

/// The pointers of the nodes `path` selects in `doc`.
fn select(doc: &Value, path: &[Segment]) -> Vec<Pointer> {
    let mut current = vec![Pointer::root()];
    for segment in path {
        let mut next = Vec::new();
        for at in &current {
            let Some(node) = at.get(doc) else { continue };
            match (segment, node) {
                (Segment::Name(name), Value::Object(map)) if map.contains_key(name) => {
                    next.push(at.push(name));
                }
                (Segment::Wildcard, Value::Object(map)) => {
                    next.extend(map.keys().map(|k| at.push(k)));
                }
                (Segment::Wildcard, Value::Array(list)) => {
                    next.extend((0..list.len()).map(|i| at.push(i)));
                }
                _ => {}
            }
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn overlay(yaml: &str) -> Overlay {
        parse(yaml, "test overlay").unwrap()
    }

    #[test]
    fn paths_with_slashes_and_braces_are_bracket_quoted() {
        assert_eq!(
            parse_path("$.paths['/contacts/{id}'].patch.*").unwrap(),
            [
                Segment::Name("paths".into()),
                Segment::Name("/contacts/{id}".into()),
                Segment::Name("patch".into()),
                Segment::Wildcard
            ]
        );
        assert!(parse_path("$..schemas").is_err());
        assert!(parse_path("$.paths[?(@.x)]").is_err());
    }

    #[test]
    fn update_merges_and_applying_twice_changes_nothing() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object", "description": "old"}}}, "tags": [{"name": "a"}]});
        let overlay = overlay(
            "overlay: 1.0.0\nactions:\n  - target: $.components.schemas.A\n    update:\n      description: new\n      additionalProperties: {}\n  - target: $.tags\n    update:\n      name: b\n  - target: $.components.schemas\n    update:\n      B: {type: string}\n",
        );
        apply(&mut doc, &overlay).unwrap();
        let once = doc.clone();
        apply(&mut doc, &overlay).unwrap();
        assert_eq!(doc, once);
        assert_eq!(
            doc,
            json!({"components": {"schemas": {
                "A": {"type": "object", "description": "new", "additionalProperties": {}},
                "B": {"type": "string"}
            }}, "tags": [{"name": "a"}, {"name": "b"}]})
        );
    }

    #[test]
    fn remove_deletes_and_a_target_that_selects_nothing_is_an_error() {
        let mut doc = json!({"a": {"b": 1, "c": 2}});
        apply(
            &mut doc,
            &overlay("overlay: 1.0.0\nactions:\n  - target: $.a.b\n    remove: true\n"),
        )
        .unwrap();
        assert_eq!(doc, json!({"a": {"c": 2}}));
        let err = apply(
            &mut doc,
            &overlay("overlay: 1.0.0\nactions:\n  - target: $.a.gone\n    update: {}\n"),
        )
        .unwrap_err();
        assert!(
            err.contains("action 1 (target $.a.gone) selects nothing"),
            "{err}"
        );
    }
}
