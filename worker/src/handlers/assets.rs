//! Everything outside `/api` and `/exotel`: the static page in `www/`, through the `ASSETS`
//! binding (so headers can be added here later).

use worker::Response;

use crate::request::Request;

use crate::app::App;
use crate::error::ApiError;

/// Serves `req` from the static assets.
pub async fn serve(req: Request, app: &App) -> Result<Response, ApiError> {
    match app.env.assets("ASSETS") {
        Ok(assets) => Ok(assets.fetch_request(req.into_inner()).await?),
        Err(_) => Err(ApiError::not_found("no such page")),
    }
}
