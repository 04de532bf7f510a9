"""The My Sessions page: plain HTML, CSS and JavaScript modules served as they are (no build
step), with strict security headers. The page signs in, then calls the API with its token."""
