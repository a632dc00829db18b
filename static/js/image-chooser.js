'use strict';
// The lead-image chooser: Django's autocomplete, with a thumbnail beside each
// result and a live preview of the chosen picture.
{
    // Resolved on load: this file may be loaded before Django's jQuery.
    let $;

    function withThumbnail(item) {
        if (!item.id || !item.thumbnail) {
            return item.text;
        }
        const option = document.createElement('span');
        option.className = 'image-chooser-option';
        const picture = document.createElement('img');
        picture.src = item.thumbnail;
        picture.alt = '';
        const label = document.createElement('span');
        label.textContent = item.text;
        option.append(picture, label);
        return $(option);
    }

    function showPreview(item) {
        const preview = document.querySelector('.field-lead_image_preview .readonly');
        if (!preview) {
            return;
        }
        preview.replaceChildren();
        if (item && item.thumbnail) {
            const picture = document.createElement('img');
            picture.src = item.thumbnail;
            picture.alt = item.text;
            picture.width = 240;
            picture.className = 'admin-thumbnail';
            preview.append(picture);
        } else {
            preview.textContent = item ? 'Preview shown after saving' : 'No lead image';
        }
    }

    function enhance(select) {
        const $select = $(select);
        if ($select.data('select2')) {
            $select.select2('destroy');
        }
        $select.select2({
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    app_label: select.dataset.appLabel,
                    model_name: select.dataset.modelName,
                    field_name: select.dataset.fieldName
                })
            },
            templateResult: withThumbnail,
            templateSelection: withThumbnail
        });
        $select.on('select2:select', (event) => showPreview(event.params.data));
        $select.on('select2:clear', () => showPreview(null));
    }

    // After Django's own autocomplete set-up, which runs on DOM ready.
    window.addEventListener('load', () => {
        $ = window.django.jQuery;
        document.querySelectorAll('select#id_lead_image.admin-autocomplete').forEach(enhance);
    });
}
