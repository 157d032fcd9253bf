//! What `validate` and `import` report: a rule, a severity, and a pointer to the place.

use std::fmt;

use serde::Serialize;

use crate::pointer::Pointer;

/// How much a finding or a change matters; the names are oasdiff's levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    #[value(alias = "warn")]
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem in a document, printed as `severity: pointer: message [rule]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub rule: &'static str,
    pub pointer: Pointer,
    pub message: String,
}

impl Finding {
    pub fn error(rule: &'static str, pointer: Pointer, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            rule,
            pointer,
            message: message.into(),
        }
    }

    pub fn warning(rule: &'static str, pointer: Pointer, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(rule, pointer, message)
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {} [{}]",
            self.severity, self.pointer, self.message, self.rule
        )
    }
}
