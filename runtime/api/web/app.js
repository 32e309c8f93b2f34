// runtime/api/web/app.js - the trainchain dashboard: reads the API with the token from the URL.
"use strict";
const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
async function api(path) {
  const r = await fetch(path, { headers: { Authorization: "Bearer " + token } });
  if (!r.ok) throw new Error(path + ": " + r.status);
  return r.json();
}
api("/api/runs").then((j) => {
  document.getElementById("runs").textContent = j.runs.map((r) => r.name).join(", ");
});
