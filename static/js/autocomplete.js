// The name search box as an ARIA combobox (the WAI-ARIA combobox pattern with a listbox popup):
// htmx loads the suggestions into the listbox; here the arrow keys move through them, Enter
// opens the selected one, Escape closes the list. The input keeps the focus throughout and
// points at the selected suggestion with aria-activedescendant.

function setUpCombobox(box) {
  const input = box.querySelector('[role="combobox"]');
  const list = document.getElementById(input.getAttribute("aria-controls"));
  const status = box.querySelector("[data-autocomplete-status]");
  let active = -1;

  const options = () => Array.from(list.querySelectorAll('[role="option"]'));

  function select(index) {
    const all = options();
    active = index;
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function setOpen(open) {
    input.setAttribute("aria-expanded", String(open));
    list.hidden = !open;
    if (!open) select(-1);
  }

  list.addEventListener("htmx:afterSwap", () => {
    const all = options();
    all.forEach((option, i) => {
      option.id = `${list.id}-${i + 1}`;
    });
    select(-1);
    setOpen(all.length > 0);
    if (status) {
      status.textContent = all.length
        ? `${all.length} ${all.length === 1 ? "suggestion" : "suggestions"}; use the up and down arrows to choose.`
        : "";
    }
  });

  input.addEventListener("keydown", (event) => {
    const all = options();
    const open = input.getAttribute("aria-expanded") === "true";
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      if (!open) setOpen(true);
      const step = event.key === "ArrowDown" ? 1 : -1;
      const start = active < 0 ? (step > 0 ? -1 : 0) : active;
      select((start + step + all.length) % all.length);
    } else if (event.key === "Enter" && open && active >= 0 && all[active]) {
      event.preventDefault(); // open the suggestion instead of submitting the search
      all[active].click();
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      setOpen(false);
    }
  });

  // A click on a suggestion keeps the list open until the link is followed.
  box.addEventListener("focusout", (event) => {
    if (!box.contains(event.relatedTarget)) setOpen(false);
  });
}

document.querySelectorAll("[data-autocomplete]").forEach(setUpCombobox);
