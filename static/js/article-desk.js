'use strict';
// The article's editing page: autosave, a guard against leaving unsaved changes, a live preview
// that follows the typing, a warning as soon as someone else saves the article, and
// keyboard buttons to move sections. Everything here also works without it: the
// preview button submits the form to a new tab, and a stale save is refused with
// both versions side by side.
{
    // Found once the page is parsed: this script loads in the page's head.
    let desk = null;
    let form = null;

    function init() {
        desk = document.getElementById('article-desk');
        form = desk && desk.closest('form');
        if (!form) {
            return;
        }
        guardUnsavedChanges();
        autosaveChanges();
        followWithPreview();
        watchForOtherSaves();
        addSectionMoves();
        addMarkdownTools();
    }

    // Leaving with unsaved changes asks first; saving (not previewing) clears it.
    let dirty = false;

    function guardUnsavedChanges() {
        form.addEventListener('input', () => { dirty = true; });
        form.addEventListener('change', () => { dirty = true; });
        form.addEventListener('submit', (event) => {
            const submitter = event.submitter;
            if (!submitter || submitter.name !== '_preview') {
                dirty = false;
            }
        });
        window.addEventListener('beforeunload', (event) => {
            if (dirty) {
                event.preventDefault();
                event.returnValue = '';
            }
        });
    }

    // After each half minute of changes, what the editor typed is kept on the server (the
    // article itself changes only when they save), and "Saved 14:02" says so. Reopening the
    // article brings the changes back; leaving asks only about changes not yet kept.
    const AUTOSAVE_AFTER_MS = 30000;

    function autosaveChanges() {
        const url = desk.dataset.autosaveUrl;
        const status = document.getElementById('autosave-status');
        if (!url || !status) {
            return;
        }
        const live = desk.dataset.live === 'yes';
        let timer = null;
        let typedSinceSent = false;
        const say = (text, failed) => {
            status.textContent = text;
            status.classList.toggle('is-failed', failed);
        };
        const send = () => {
            timer = null;
            typedSinceSent = false;
            const body = new FormData(form);
            for (const name of Array.from(body.keys())) {
                if (name.startsWith('_')) {
                    body.delete(name);
                }
            }
            fetch(url, { method: 'POST', credentials: 'same-origin', body })
                .then((response) => response.json().then((answer) => [response.ok, answer]))
                .then(([ok, answer]) => {
                    if (!ok) {
                        say(answer.error || 'Not autosaved.', true);
                        return;
                    }
                    say(live
                        ? `Saved ${answer.saved_at} as a pending draft: the live page changes when you save.`
                        : `Saved ${answer.saved_at}.`, false);
                    if (!typedSinceSent && timer === null) {
                        dirty = false;
                    }
                })
                .catch(() => say('Not autosaved: the server did not answer. Your text is still here.', true));
        };
        const changed = () => {
            typedSinceSent = true;
            if (timer === null) {
                timer = window.setTimeout(send, AUTOSAVE_AFTER_MS);
            }
        };
        form.addEventListener('input', changed);
        form.addEventListener('change', changed);
        // Saving keeps everything: no autosave after it.
        form.addEventListener('submit', (event) => {
            if (!event.submitter || event.submitter.name !== '_preview') {
                window.clearTimeout(timer);
            }
        });
    }

    // Once the preview tab is open, it is refreshed whenever the editor pauses typing.
    function followWithPreview() {
        const button = form.querySelector('button[name="_preview"]');
        if (!button) {
            return;
        }
        let opened = false;
        let timer = null;
        button.addEventListener('click', () => { opened = true; });
        form.addEventListener('input', () => {
            if (!opened) {
                return;
            }
            window.clearTimeout(timer);
            timer = window.setTimeout(() => form.requestSubmit(button), 1500);
        });
    }

    // Someone else saves: say who and when, before this editor's save is refused.
    function watchForOtherSaves() {
        const url = desk.dataset.statusUrl;
        const version = form.querySelector('input[name="loaded_version"]');
        const notice = document.getElementById('desk-status');
        if (!url || !version || !notice) {
            return;
        }
        const check = () => {
            fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
                .then((response) => (response.ok ? response.json() : null))
                .then((status) => {
                    if (status && Number(status.version) > Number(version.value)) {
                        notice.textContent = `${status.by} saved this article at ${status.at}, `
                            + 'after you opened it. When you save, their version shows beside '
                            + 'yours, to choose from field by field; nothing you typed is lost.';
                        notice.hidden = false;
                    }
                })
                .catch(() => {});
        };
        window.setInterval(check, 15000);
    }

    // "Move up" and "Move down" beside each section, for those who do not drag; sections
    // added later get theirs too.
    function addSectionMoves() {
        const group = document.getElementById('sections-group');
        if (!group) {
            return;
        }
        const isSection = (element) => element.matches('.djn-item.djn-inline-form')
            && /^sections-\d+$/.test(element.id);
        const items = () => Array.from(group.querySelectorAll('.djn-item')).filter(isSection);
        const renumber = () => {
            items().forEach((item, index) => {
                const position = item.querySelector('input[name$="-position"]');
                if (position) {
                    position.value = index;
                }
            });
            dirty = true;
        };
        const addBar = (item) => {
            if (item.querySelector(':scope > .section-move')) {
                return;
            }
            const bar = document.createElement('span');
            bar.className = 'section-move';
            for (const [label, step] of [['Move up', -1], ['Move down', 1]]) {
                const button = document.createElement('button');
                button.type = 'button';
                button.className = 'button';
                button.textContent = label;
                button.dataset.step = step;
                bar.append(button);
            }
            // Beside the section's heading, not in it: the heading is the drag handle.
            const heading = item.querySelector(':scope > h3') || item.firstElementChild;
            heading.after(bar);
        };
        group.addEventListener('click', (event) => {
            const button = event.target.closest('.section-move button[data-step]');
            if (!button) {
                return;
            }
            const item = button.closest('.djn-item');
            const step = Number(button.dataset.step);
            const list = items();
            const other = list[list.indexOf(item) + step];
            if (!other) {
                return;
            }
            if (step < 0) {
                other.before(item);
            } else {
                other.after(item);
            }
            renumber();
            button.focus();
        });
        items().forEach(addBar);
        new MutationObserver(() => items().forEach(addBar))
            .observe(group, { childList: true, subtree: true });
    }

    // A toolbar over each section's body and each delegation's notes, and "Preview", which
    // shows the Markdown as readers will read it: rendered by the server's own pipeline.
    const MARKS = [
        ['Bold', '**', '**', 'bold text'],
        ['Italic', '_', '_', 'italic text'],
        ['Link', '[', '](https://)', 'link text'],
        ['List', '- ', '', 'list item'],
        ['Quote', '> ', '', 'quotation'],
    ];

    // Marks the selection (or a placeholder): around it, or at the start of its line for a
    // list item or a quotation.
    function wrap(textarea, before, after, placeholder) {
        const { selectionStart: start, selectionEnd: end, value } = textarea;
        const chosen = value.slice(start, end) || placeholder;
        const at = after === '' ? value.lastIndexOf('\n', start - 1) + 1 : start;
        textarea.value = value.slice(0, at) + before + value.slice(at, start) + chosen + after
            + value.slice(end);
        const from = start + before.length;
        textarea.focus();
        textarea.setSelectionRange(from, from + chosen.length);
        textarea.dispatchEvent(new Event('input', { bubbles: true }));
    }

    function addMarkdownTools() {
        const url = desk.dataset.markdownUrl;
        const token = form.querySelector('input[name="csrfmiddlewaretoken"]');
        const isMarkdown = (textarea) => /^(sections-\d+-body|delegations-\d+-notes)$/
            .test(textarea.name);
        const equip = (textarea) => {
            if (!isMarkdown(textarea) || textarea.dataset.markdownTools) {
                return;
            }
            textarea.dataset.markdownTools = 'on';
            const bar = document.createElement('div');
            bar.className = 'markdown-tools';
            bar.setAttribute('role', 'toolbar');
            bar.setAttribute('aria-label', 'Formatting');
            bar.setAttribute('aria-controls', textarea.id);
            for (const [label, before, after, placeholder] of MARKS) {
                const button = document.createElement('button');
                button.type = 'button';
                button.textContent = label;
                button.addEventListener('click', () => wrap(textarea, before, after, placeholder));
                bar.append(button);
            }
            const preview = document.createElement('div');
            preview.className = 'markdown-preview';
            preview.setAttribute('aria-live', 'polite');
            preview.hidden = true;
            const show = document.createElement('button');
            show.type = 'button';
            show.textContent = 'Preview';
            show.setAttribute('aria-expanded', 'false');
            show.addEventListener('click', () => {
                if (!preview.hidden) {
                    preview.hidden = true;
                    show.setAttribute('aria-expanded', 'false');
                    show.textContent = 'Preview';
                    return;
                }
                const body = new URLSearchParams({
                    text: textarea.value,
                    csrfmiddlewaretoken: token ? token.value : '',
                });
                fetch(url, { method: 'POST', credentials: 'same-origin', body })
                    .then((response) => response.json())
                    .then((answer) => {
                        // The server's pipeline sanitises what it renders (nh3).
                        if (answer.html !== undefined) {
                            preview.innerHTML = answer.html || '<p><em>Nothing to show.</em></p>';
                        } else {
                            preview.textContent = answer.error || 'This text cannot be shown.';
                        }
                        preview.hidden = false;
                        show.setAttribute('aria-expanded', 'true');
                        show.textContent = 'Hide preview';
                    })
                    .catch(() => {
                        preview.textContent = 'The preview could not be fetched; try again.';
                        preview.hidden = false;
                    });
            });
            bar.append(show);
            // One column: the tools over the text, the preview under it.
            const field = document.createElement('div');
            field.className = 'markdown-field';
            textarea.before(field);
            field.append(bar, textarea, preview);
        };
        form.querySelectorAll('textarea').forEach(equip);
        new MutationObserver(() => form.querySelectorAll('textarea').forEach(equip))
            .observe(form, { childList: true, subtree: true });
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
}
