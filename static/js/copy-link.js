'use strict';
// "Copy link": puts the named field's text on the clipboard and says so; the field is
// selected too, for browsers that refuse the clipboard.
document.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-copy]');
    if (!button) {
        return;
    }
    const field = document.getElementById(button.dataset.copy);
    field.select();
    const done = () => {
        const label = button.textContent;
        button.textContent = button.dataset.copied;
        window.setTimeout(() => { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard) {
        navigator.clipboard.writeText(field.value).then(done, () => {});
    }
});
