// The task report page: "quote" buttons append a co-operating department's text to the report.
document.querySelectorAll("button.quote").forEach(function (button) {
  button.addEventListener("click", function () {
    var box = document.getElementById("id_text");
    box.value = (box.value ? box.value + "\n" : "") + button.dataset.text;
    box.focus();
  });
});
