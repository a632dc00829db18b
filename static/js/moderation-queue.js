'use strict';
// The moderation queue from the keyboard: j/k move between comments, a/r/s
// approve, reject or mark the current one as spam (on a reported comment,
// a keeps it up and r takes it down), ? shows the keys. Every button still
// works without this file; it only presses them.
{
    const STORED = 'newsroom-queue-position';
    const KEYS = {a: 'approve', r: 'reject', s: 'spam'};

    function cards() {
        return Array.from(document.querySelectorAll('.queue-card'));
    }

    function current() {
        return document.querySelector('.queue-card.is-current');
    }

    function select(card) {
        if (!card) {
            return;
        }
        const previous = current();
        if (previous) {
            previous.classList.remove('is-current');
            previous.removeAttribute('aria-current');
        }
        card.classList.add('is-current');
        card.setAttribute('aria-current', 'true');
        card.focus({preventScroll: true});
        card.scrollIntoView({block: 'nearest'});
    }

    function move(step) {
        const all = cards();
        const index = all.indexOf(current());
        select(all[Math.min(Math.max(index + step, 0), all.length - 1)]);
    }

    function decide(action) {
        const card = current();
        const button = card && card.querySelector(`[data-decision~="${action}"]`);
        if (!button) {
            return;
        }
        // The decided comment leaves the queue: the same position is then the next one.
        sessionStorage.setItem(STORED, String(cards().indexOf(card)));
        button.click();
    }

    function toggleHelp() {
        const help = document.getElementById('queue-keys');
        if (help) {
            help.open = !help.open;
        }
    }

    function typing(target) {
        return target.closest('input, textarea, select, [contenteditable]') !== null;
    }

    document.addEventListener('keydown', (event) => {
        if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
            return;
        }
        if (event.key === 'j') {
            move(1);
        } else if (event.key === 'k') {
            move(-1);
        } else if (event.key in KEYS) {
            decide(KEYS[event.key]);
        } else if (event.key === '?') {
            toggleHelp();
        } else {
            return;
        }
        event.preventDefault();
    });

    document.addEventListener('click', (event) => {
        const card = event.target.closest('.queue-card');
        if (card && !event.target.closest('a, button, input, label')) {
            select(card);
        }
        const button = event.target.closest('[data-decision]');
        if (card && button) {
            sessionStorage.setItem(STORED, String(cards().indexOf(card)));
        }
    });

    document.addEventListener('DOMContentLoaded', () => {
        const all = cards();
        if (!all.length) {
            return;
        }
        const stored = Number(sessionStorage.getItem(STORED) || '0');
        sessionStorage.removeItem(STORED);
        select(all[Math.min(stored, all.length - 1)] || all[0]);
    });
}
