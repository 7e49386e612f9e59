//! The operator's side of the API: signed reservation requests.

use std::time::Duration;

use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;

use crate::wire::{PendingRequest, Reserved, SIGNATURE_HEADER};

/// What the orchestrator answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Reserved.
    Reserved(Reserved),
    /// Refused, with the API's code and message.
    Refused {
        /// `buffer`, `health_floor`, ...
        code: String,
        /// Its sentence.
        message: String,
    },
    /// Not reached, or it could not decide (5xx): the operator must refuse.
    Unavailable(String),
}

/// A client for one orchestrator, signing as one market's operator.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    signer: PrivateKeySigner,
}

impl Client {
    /// A client of the orchestrator at `base` (`http://host:port`).
    ///
    /// # Errors
    /// A sentence if the HTTP client cannot be built.
    pub fn new(base: &str, signer: PrivateKeySigner, timeout: Duration) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            signer,
        })
    }

    /// Asks to hold `request` for `market`.
    pub async fn reserve(&self, market: u64, request: &PendingRequest) -> Answer {
        let body = match serde_json::to_vec(request) {
            Ok(body) => body,
            Err(e) => return Answer::Unavailable(e.to_string()),
        };
        let signature = match self.signer.sign_message_sync(&body) {
            Ok(s) => s,
            Err(e) => return Answer::Unavailable(format!("signing: {e}")),
        };
        let sent = self
            .http
            .put(format!("{}/v1/markets/{market}/pending", self.base))
            .header(
                SIGNATURE_HEADER,
                format!("0x{}", alloy_primitives::hex::encode(signature.as_bytes())),
            )
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => return Answer::Unavailable(format!("orchestrator unreachable: {e}")),
        };
        let status = response.status();
        let value: serde_json::Value = match response.json().await {
            Ok(v) => v,
            Err(e) => return Answer::Unavailable(format!("orchestrator answered {status}: {e}")),
        };
        if status.is_success() {
            return match serde_json::from_value(value) {
                Ok(r) => Answer::Reserved(r),
                Err(e) => Answer::Unavailable(format!("unexpected answer: {e}")),
            };
        }
        let field = |k: &str| value["error"][k].as_str().unwrap_or("").to_owned();
        if status.is_client_error() {
            Answer::Refused {
                code: field("code"),
                message: field("message"),
            }
        } else {
            Answer::Unavailable(format!("{status}: {}", field("message")))
        }
    }

    /// Asks the orchestrator to read the chain now (after a settlement).
    /// Best effort: its own sync loop catches up anyway.
    pub async fn sync(&self) {
        let _ = self
            .http
            .post(format!("{}/v1/sync", self.base))
            .send()
            .await;
    }
}
