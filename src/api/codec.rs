//! How every server function takes its arguments: islands send them as JSON, so the wasm
//! carries no URL-form encoding (serde_qs); the server also reads a URL-encoded form body, as a
//! plain form post without JavaScript (and the integration tests) send it. Answers are JSON.

use std::future::Future;

use leptos::server_fn::client::Client;
use leptos::server_fn::codec::{FromReq, FromRes, IntoReq, IntoRes, Json, PostUrl};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::request::Req;
use leptos::server_fn::server::Server;
use leptos::server_fn::{ContentType, Http, Protocol};
use serde::de::DeserializeOwned;

/// Arguments in a `POST` body, JSON or URL-encoded; the answer in JSON.
pub struct JsonOrForm;

impl ContentType for JsonOrForm {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl<Input, Output, C, S, E> Protocol<Input, Output, C, S, E> for JsonOrForm
where
    Input: IntoReq<Json, C::Request, E>
        + IntoReq<PostUrl, C::Request, E>
        + FromReq<Json, S::Request, E>
        + FromReq<PostUrl, S::Request, E>
        + DeserializeOwned
        + Send,
    Output: IntoRes<Json, S::Response, E> + FromRes<Json, C::Response, E> + Send,
    E: FromServerFnError,
    C: Client<E>,
    S: Server<E>,
{
    const METHOD: http::Method = http::Method::POST;

    async fn run_server<F, Fut>(request: S::Request, server_fn: F) -> Result<S::Response, E>
    where
        F: Fn(Input) -> Fut + Send,
        Fut: Future<Output = Result<Output, E>> + Send,
    {
        // Only a body that says it is JSON is read as JSON: anything else is read as before this
        // protocol, as a URL-encoded form (a bodiless POST included).
        let is_json = request
            .to_content_type()
            .is_some_and(|value| value.starts_with(JsonOrForm::CONTENT_TYPE));
        if !is_json {
            return <Http<PostUrl, Json> as Protocol<Input, Output, C, S, E>>::run_server(
                request, server_fn,
            )
            .await;
        }
        let body = request.try_into_string().await?;
        // Arguments that do not fit are the caller's mistake (400), as with a form body.
        let input = serde_json::from_str(&body)
            .map_err(|e| E::from_server_fn_error(ServerFnErrorErr::Args(e.to_string())))?;
        let output = server_fn(input).await?;
        Output::into_res(output).await
    }

    fn run_client(path: &str, input: Input) -> impl Future<Output = Result<Output, E>> + Send {
        <Http<Json, Json> as Protocol<Input, Output, C, S, E>>::run_client(path, input)
    }
}
