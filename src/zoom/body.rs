//! Reading an answer's body without trusting its size: the client's calls and the token
//! requests both stop at a limit of their own.

/// Why a body could not be read whole.
pub(super) enum BodyError {
    Transport(reqwest::Error),
    /// Over the limit; `start` is what was read before stopping.
    TooLarge {
        start: Vec<u8>,
    },
}

/// Reads `response`'s body chunk by chunk, stopping at `limit` bytes (after decompression).
pub(super) async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(BodyError::TooLarge { start: Vec::new() });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { start: body });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
