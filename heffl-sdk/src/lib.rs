#![allow(missing_docs)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}
pub mod transport {
    #[derive(Debug, Clone)]
    pub struct CallContext;
    impl progenitor_client::ClientHooks<CallContext> for crate::generated::Client {}
}
#[derive(
    Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct ContactPatch {}
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub enum ContactKind {
    A,
}
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub enum ErrorCode {
    A,
}
