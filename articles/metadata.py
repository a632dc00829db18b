"""What search engines and link previews read from a public page: canonical
address, OpenGraph and Twitter card tags, and schema.org NewsArticle JSON-LD
(of the article's type, with its corrections, its lead image's licence and the
site as a NewsMediaOrganization naming its policies).

Built only from what the page has already loaded, so it costs no query.
"""

from django.conf import settings

from articles.models import Article, Correction, Image, License, Rendition
from newsroom.standards.pages import news_media_organization

# Link previews want a wide JPEG or PNG: the rendition closest to this width.
SHARE_IMAGE_WIDTH = 1200
FREE_LICENSES = {License.PUBLIC_DOMAIN, License.CC0}


def share_rendition(image: Image | None) -> Rendition | None:
    return image.shareable_rendition(SHARE_IMAGE_WIDTH) if image is not None else None


def copyright_notice(image: Image) -> str:
    """The rights holder's own notice when the image has one; else one made from its credit."""
    if image.copyright_notice:
        return image.copyright_notice
    if image.license_choice in FREE_LICENSES:
        return image.license_choice.label
    holder = image.credit or image.source
    return f"© {holder}" if holder else image.license_choice.label


def image_object(request, image: Image, rendition: Rendition) -> dict:
    """The picture with its rights, as Google Images reads image licence metadata: it goes
    by `contentUrl` to the picture the rights are about, then `license` (the deed),
    `acquireLicensePage` (where to license it), `creditText`, `creator`, `copyrightNotice`."""
    address = request.build_absolute_uri(rendition.file.url)
    data = {
        "@type": "ImageObject",
        "contentUrl": address,
        "url": address,
        "width": rendition.width,
        "height": rendition.height,
        "caption": image.caption or image.alt_text,
        "creditText": image.credit_line,
        "copyrightNotice": copyright_notice(image),
    }
    if image.license_choice.url:
        data["license"] = image.license_choice.url
    if image.source_url:
        data["acquireLicensePage"] = image.source_url
    if creator := (image.credits_in_file or {}).get("creator"):
        # IPTC's Creator is the photographer, a person (the credit may be an agency).
        data["creator"] = {"@type": "Person", "name": creator}
    return data


def organization(request) -> dict:
    """The site as a schema.org NewsMediaOrganization, for the home page's JSON-LD."""
    return {"@context": "https://schema.org", **news_media_organization(request)}


def correction_comment(correction: Correction) -> dict:
    """A correction, or a clarification, as schema.org's CorrectionComment."""
    text = correction.note
    if correction.kind == Correction.Kind.CLARIFICATION:
        text = f"{correction.get_kind_display()}: {text}"
    comment = {
        "@type": "CorrectionComment",
        "text": text,
        "datePublished": correction.created_at.isoformat(),
    }
    if correction.amended_at:
        comment["dateModified"] = correction.amended_at.isoformat()
    return comment


def last_modified(article: Article, corrections: list[Correction]):
    """When the article last changed for a reader, its corrections counted."""
    return max(
        [
            article.last_changed,
            *(correction.amended_at or correction.created_at for correction in corrections),
        ]
    )


def news_article(request, article: Article, *, canonical_url: str, tags: list[str]) -> dict:
    """The article as a schema.org NewsArticle of its type (ReportageNewsArticle, ...)."""
    corrections = list(article.corrections.all())
    data = {
        "@context": "https://schema.org",
        "@type": Article.Type(article.article_type).schema_type,
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.published_at.isoformat(),
        "dateModified": last_modified(article, corrections).isoformat(),
        "author": [{"@type": "Person", "name": article.byline}],
        "publisher": news_media_organization(request),
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical_url},
        "url": canonical_url,
        "inLanguage": settings.LANGUAGE_CODE,
    }
    if article.backstory:
        data["backstory"] = article.backstory
    if tags:
        data["keywords"] = tags
    rendition = share_rendition(article.lead_image)
    if rendition is not None:
        data["image"] = [image_object(request, article.lead_image, rendition)]
    if corrections:
        data["correction"] = [correction_comment(correction) for correction in corrections]
    return data


def article_metadata(request, article: Article) -> dict:
    """Context for the public article page's head. Previews never get it: they are
    not the article's address and must not be indexed."""
    canonical_url = request.build_absolute_uri(article.get_absolute_url())
    tags = [tag.name for tag in article.tags.all()]
    rendition = share_rendition(article.lead_image)
    return {
        "canonical_url": canonical_url,
        "share_image": rendition
        and {
            "url": request.build_absolute_uri(rendition.file.url),
            "type": rendition.mime_type,
            "width": rendition.width,
            "height": rendition.height,
            "alt": article.lead_image.alt_text,
        },
        "modified_at": last_modified(article, list(article.corrections.all())),
        "tag_names": tags,
        "news_article": news_article(request, article, canonical_url=canonical_url, tags=tags),
    }


def listing_canonical_url(request, page_obj) -> str:
    """A listing's own address: the page number kept only past the first page."""
    url = request.build_absolute_uri(request.path)
    if page_obj is not None and page_obj.number > 1:
        url = f"{url}?page={page_obj.number}"
    return url
