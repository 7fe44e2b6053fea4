// Django's two-list chooser (roles' permissions, an organiser's roles) labels its search icons
// with aria-label on a bare span, which assistive technology ignores; give them the image role
// that makes the label count. It runs after the chooser has drawn itself on load.
window.addEventListener("load", () => {
  setTimeout(() => {
    document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  });
});
