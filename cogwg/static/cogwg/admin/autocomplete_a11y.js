'use strict';
// What select2 (Django's autocomplete widgets) leaves out for assistive technologies: the
// combobox takes its name from the field's label (the label points at the hidden select),
// the hidden select's error state and descriptions, and, when open, the list it controls.
// Run after Django's admin/js/autocomplete.js, which initialises select2 (this file comes
// after it in the widget's Media, so its handlers run after Django's).
{
    const $ = django.jQuery;
    const COPIED = ['aria-invalid', 'aria-describedby', 'aria-required'];

    function labelIds(select) {
        const own = select.getAttribute('aria-labelledby');
        if (own) {
            return own;
        }
        const label = select.id && document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
        if (!label) {
            return '';
        }
        if (!label.id) {
            label.id = select.id + '_label';
        }
        return label.id;
    }

    function describe(select) {
        const container = select.nextElementSibling;
        if (!container || !container.classList.contains('select2')) {
            return;
        }
        const labels = labelIds(select);
        if (select.required) {
            select.setAttribute('aria-required', 'true');
        }
        const combobox = container.querySelector('.select2-selection');
        if (combobox) {
            // A single box is named by its label, then by the choice it shows.
            const rendered = combobox.querySelector('.select2-selection__rendered[id]');
            const ids = [labels, select.multiple || !rendered ? '' : rendered.id].filter(Boolean).join(' ');
            if (ids) {
                combobox.setAttribute('aria-labelledby', ids);
            }
            if (rendered && !select.multiple) {
                // The choice shown is part of the combobox's name, not a field of its own
                // (an empty "textbox" until a choice is made).
                rendered.removeAttribute('role');
                rendered.removeAttribute('aria-readonly');
            }
            COPIED.forEach((name) => {
                const value = select.getAttribute(name);
                if (value) {
                    combobox.setAttribute(name, value);
                }
            });
            if (select.multiple) {
                // The choices' list holds select2's clear button among its items.
                combobox.querySelectorAll('ul.select2-selection__rendered').forEach((list) => {
                    list.setAttribute('role', 'presentation');
                });
            }
        }
        container.querySelectorAll('input.select2-search__field').forEach((input) => {
            if (labels) {
                input.setAttribute('aria-labelledby', labels);
            }
            COPIED.forEach((name) => {
                const value = select.getAttribute(name);
                if (value) {
                    input.setAttribute(name, value);
                }
            });
        });
    }

    function opened(event) {
        const select = event.target;
        const results = document.getElementById('select2-' + select.id + '-results');
        const combobox = select.nextElementSibling && select.nextElementSibling.querySelector('.select2-selection');
        if (combobox && results) {
            combobox.setAttribute('aria-controls', results.id);
        }
        const search = document.querySelector('.select2-container--open .select2-search__field');
        if (search && !search.hasAttribute('aria-labelledby')) {
            const labels = labelIds(select);
            if (labels) {
                search.setAttribute('aria-labelledby', labels);
            }
        }
    }

    function closed(event) {
        const combobox = event.target.nextElementSibling && event.target.nextElementSibling.querySelector('.select2-selection');
        if (combobox) {
            combobox.removeAttribute('aria-controls');
        }
        describe(event.target);
    }

    function prepare(elements) {
        elements.each(function() {
            describe(this);
        });
        // select2 redraws a box's choices (and its search field) on each change.
        elements.off('.cogwgA11y')
            .on('select2:open.cogwgA11y', opened)
            .on('select2:close.cogwgA11y change.cogwgA11y', closed);
    }

    $(function() {
        prepare($('.admin-autocomplete').not('[name*=__prefix__]'));
    });

    document.addEventListener('formset:added', (event) => {
        prepare($(event.target).find('.admin-autocomplete'));
    });
}
