//! The Cloudflare Worker (the `worker` feature): under construction.
