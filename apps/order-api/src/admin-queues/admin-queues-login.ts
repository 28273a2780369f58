/** The sign-in page bull-board's browser users get instead of a bare 401. */
export function loginPage(action: string, failed: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fillwire queues: sign in</title>
<style>body{font:15px system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}
input,button{font:inherit;padding:.4rem;width:100%;box-sizing:border-box;margin:.3rem 0}.err{color:#b00}</style></head>
<body><h1>Fillwire queues</h1>
<p>Paste the admin token (<code>FILLWIRE_ADMIN_TOKEN</code>).</p>
${failed ? '<p class="err">That token is not valid.</p>' : ''}
<form method="post" action="${action}"><input type="password" name="token" autocomplete="off" autofocus required>
<button type="submit">Sign in</button></form></body></html>
`;
}
