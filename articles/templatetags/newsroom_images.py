from django import template

register = template.Library()

# The <img> fallback: the rendition closest to this width.
FALLBACK_WIDTH = 960


def _srcset(renditions) -> str:
    return ", ".join(f"{rendition.file.url} {rendition.width}w" for rendition in renditions)


@register.inclusion_tag("includes/articles/picture.html")
def picture(image, *, sizes: str, loading: str = "lazy", decorative: bool = False):
    """A responsive <picture>: WebP first, the original format as the fallback.

    Reads only prefetched renditions, so a page of cards costs one query for all of them.
    """
    by_format = image.renditions_by_format()
    fallback_format = next((fmt for fmt in by_format if fmt != "webp"), "webp")
    fallback_renditions = by_format.get(fallback_format, [])
    if not fallback_renditions:
        return {"fallback": None}
    sources = []
    if fallback_format != "webp" and "webp" in by_format:
        sources.append({"type": "image/webp", "srcset": _srcset(by_format["webp"])})
    fallback = min(fallback_renditions, key=lambda r: abs(r.width - FALLBACK_WIDTH))
    return {
        "image": image,
        "sources": sources,
        "fallback": fallback,
        "fallback_srcset": _srcset(fallback_renditions),
        "sizes": sizes,
        "loading": loading,
        "decorative": decorative,
    }
