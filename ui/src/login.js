// The login page: trades the trader token for an HttpOnly session cookie, then opens the app.
const form = document.getElementById('login');
const error = document.getElementById('login-error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  const token = new FormData(form).get('token');
  try {
    const res = await fetch('/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
    const body = await res.json().catch(() => ({}));
    if (res.ok) {
      location.assign(body.next ?? '/app.html');
      return;
    }
    error.textContent = body.error ?? `sign-in failed (${res.status})`;
  } catch (e) {
    error.textContent = `the node cannot be reached: ${e.message}`;
  }
});
