//! The one error type of the crate: an input that breaks a rule of docs/algorithm.md#input-rules.

use std::fmt;

/// A caller's input that cannot be routed, with the argument it came from.
///
/// Every check happens before any routing work, so an `InputError` means that
/// nothing was computed and nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// Name of the offending argument, as the public API spells it (`permS`, `k`, ...).
    pub argument: &'static str,
    /// Index inside the argument where the problem sits, when there is one.
    pub index: Option<usize>,
    /// What is wrong, in words.
    pub reason: String,
}

impl InputError {
    pub(crate) fn new(argument: &'static str, reason: impl Into<String>) -> Self {
        InputError { argument, index: None, reason: reason.into() }
    }

    pub(crate) fn at(argument: &'static str, index: usize, reason: impl Into<String>) -> Self {
        InputError { argument, index: Some(index), reason: reason.into() }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.index {
            Some(i) => write!(f, "{}[{}]: {}", self.argument, i, self.reason),
            None => write!(f, "{}: {}", self.argument, self.reason),
        }
    }
}

impl std::error::Error for InputError {}
