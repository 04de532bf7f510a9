// The page's redirect URI: the provider sends the browser here with a code (or an error);
// session.js checks the answer against the sign-in this tab started and redeems the code.

import { completeSignIn, signIn } from "./session.js";

const status = document.getElementById("callback-status");
const again = document.getElementById("sign-in-again");

try {
  window.location.replace(await completeSignIn());
} catch (error) {
  status.textContent = `Sign-in failed: ${error.message}.`;
  again.hidden = false;
  again.addEventListener("click", () => signIn("/"));
}
