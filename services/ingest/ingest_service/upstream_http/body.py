"""Request bodies read up to a limit: a declared or actual size above it is refused before
the body is held whole."""

from fastapi import HTTPException, Request


async def bounded_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise HTTPException(413, detail="body: above the limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, detail="body: above the limit")
        chunks.append(chunk)
    return b"".join(chunks)
