//! JSON over HTTP to the services.

use std::time::Duration;

use serde_json::Value;

thread_local! {
    /// One client per thread: its connections are kept alive (and a
    /// blocking client owns a runtime thread, too dear to make per request).
    static CLIENT: reqwest::blocking::Client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap_or_default();
}

fn client() -> reqwest::blocking::Client {
    CLIENT.with(Clone::clone)
}

fn answer(response: reqwest::Result<reqwest::blocking::Response>) -> (u16, Value) {
    match response {
        Ok(r) => {
            let status = r.status().as_u16();
            let text = r.text().unwrap_or_default();
            (
                status,
                serde_json::from_str(&text).unwrap_or(Value::String(text)),
            )
        }
        Err(e) => (0, Value::String(e.to_string())),
    }
}

/// `POST url` with a JSON body: `(status, body)`; status 0 if unreachable.
#[must_use]
pub fn post(url: &str, body: &Value) -> (u16, Value) {
    answer(client().post(url).json(body).send())
}

/// `POST url` with raw bytes and a content type.
#[must_use]
pub fn post_raw(url: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    answer(
        client()
            .post(url)
            .header("content-type", content_type)
            .body(body)
            .send(),
    )
}

/// `GET url`.
#[must_use]
pub fn get(url: &str) -> (u16, Value) {
    answer(client().get(url).send())
}
