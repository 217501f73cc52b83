//! The network, for every client depgov has (GitHub in [`crate::github`], the sources of
//! [`crate::facts`]): [`retry`] decides what is sent again and after how long, [`throttle`]
//! paces many requests, [`http`] sends them.

pub mod http;
pub mod retry;
pub mod throttle;

/// The runtime one batch of requests is sent on, on the calling thread.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the network runtime: {error}"))
}

/// `text` as one path segment or query value: every byte but ASCII letters, digits and `-_.~`
/// percent-encoded (so a `/` or `?` in a name cannot change the route).
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
