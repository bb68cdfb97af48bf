// Cookie sign-in for the dispatch board: the cookie must be set by an HTTP response, not over the
// circuit, so the browser posts to /api/auth/signin and the component reloads the page on success.
export async function signIn(userName, password) {
    const r = await fetch('api/auth/signin', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_name: userName, password }),
    });
    return r.status;
}

export async function signOut() {
    const r = await fetch('api/auth/signout', { method: 'POST', credentials: 'same-origin' });
    return r.status;
}
