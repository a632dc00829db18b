"""The picture formats the site takes, as Pillow names them, and the format each is stored in.

MPO is a JPEG with extra frames (stereo and HDR cameras); its first frame is the picture.
"""

# Pillow's format name -> the stored format (a Rendition.Format value).
PILLOW_FORMATS = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "WEBP": "webp"}
