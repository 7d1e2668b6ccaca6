// Progressive enhancement: feedback buttons post in the background; every form also works without JavaScript.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.classList.contains("feedback")) return;
  const button = event.submitter;
  if (!button) return;
  event.preventDefault();
  const id = form.getAttribute("action").split("/")[2];
  const interest = form.querySelector("input[name=interest]").value;
  const pressed = button.classList.contains("on");
  const response = await fetch(`/api/papers/${encodeURIComponent(id)}/feedback`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": form.querySelector("input[name=csrf]").value },
    body: JSON.stringify({ value: pressed ? "none" : button.value, interest }),
  });
  if (!response.ok) { form.submit(); return; }
  form.querySelectorAll("button").forEach((b) => { b.classList.remove("on"); b.setAttribute("aria-pressed", "false"); });
  if (!pressed) { button.classList.add("on"); button.setAttribute("aria-pressed", "true"); }
});
