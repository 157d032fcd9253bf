//! The code progenitor generates, pinned so that a spec edit or a generator upgrade
//! shows up in review as a diff of this snapshot.

#[test]
fn generated_client() {
    insta::assert_snapshot!(heffl_sdk::GENERATED_SOURCE);
}

#[test]
fn sdk_names_the_spec_it_was_built_from() {
    let spec = include_str!("../../openapi/heffl-contacts.json");
    let info_version = crate::spec::json()["info"]["version"].clone();
    assert_eq!(heffl_sdk::SPEC_VERSION, info_version.as_str().unwrap());
    assert_eq!(heffl_sdk::SPEC_SHA256.len(), 64);
    assert_eq!(
        heffl_sdk::SPEC_SHA256,
        crate::spec::sha256_hex(spec.as_bytes())
    );
}
