//! HTTP: JSON-RPC on `POST /`, `GET /healthz`, bounded bodies, and CORS
//! for dapps served from another origin.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;

use crate::rpc::{error_response, Node, RpcError};

/// The largest request body taken: room for a deployment of a 128 KiB
/// program's compressed code as hex, and for large batches.
pub const MAX_BODY: usize = 4 << 20;

/// The router over `node`.
pub fn router(node: Arc<Node>) -> Router {
    Router::new()
        .route("/", post(rpc).options(preflight))
        .route("/healthz", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::map_response(allow_any_origin))
        .with_state(node)
}

async fn rpc(State(node): State<Arc<Node>>, body: Bytes) -> Response {
    let message: Value = match serde_json::from_slice(&body) {
        Ok(message) => message,
        Err(e) => {
            return Json(error_response(
                Value::Null,
                &RpcError::parse(format!("parse error: {e}")),
            ))
            .into_response()
        }
    };
    // The runtime interprets WASM: keep it off the async workers.
    match tokio::task::spawn_blocking(move || node.handle(message)).await {
        Ok(Some(answer)) => Json(answer).into_response(),
        Ok(None) => StatusCode::NO_CONTENT.into_response(),
        Err(_) => Json(error_response(
            Value::Null,
            &RpcError::invalid_request("internal error: the request handler failed"),
        ))
        .into_response(),
    }
}

async fn preflight() -> StatusCode {
    StatusCode::NO_CONTENT
}

async fn allow_any_origin(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_str(&format!("{}, {}", Method::POST, Method::OPTIONS))
            .unwrap_or(HeaderValue::from_static("POST")),
    );
    response
}
