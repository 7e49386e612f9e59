#![cfg(not(feature = "export-abi"))]
//! The exported interface and the compact router agree: every function in
//! `abi/IDamm.json` has a route, and the router answers nothing else.

use alloy_primitives::keccak256;
// motsu provides the host shims (`native_keccak256`) that alloy links against.
use motsu as _;

fn exported_selectors() -> Vec<u32> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/abi/IDamm.json");
    let abi: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut selectors: Vec<u32> = abi
        .iter()
        .filter(|item| item["type"] == "function")
        .map(|item| {
            let inputs: Vec<&str> = item["inputs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["type"].as_str().unwrap())
                .collect();
            let signature = format!("{}({})", item["name"].as_str().unwrap(), inputs.join(","));
            let hash = keccak256(signature.as_bytes());
            u32::from_be_bytes([hash[0], hash[1], hash[2], hash[3]])
        })
        .collect();
    selectors.sort_unstable();
    selectors
}

#[test]
fn the_router_answers_exactly_the_exported_functions() {
    let mut routed = damm::router::SELECTORS.to_vec();
    routed.sort_unstable();
    routed.dedup();
    assert_eq!(
        routed.len(),
        damm::router::SELECTORS.len(),
        "a selector is listed twice"
    );
    assert_eq!(routed, exported_selectors());
}
