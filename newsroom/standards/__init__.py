"""The newsroom's standards, as the Trust Project asks them to be published: ethics,
corrections, unnamed sources, verification, ownership and funding, the masthead and how
readers reach us, each at a stable address, edited by editors in the admin, linked from
every article and named in the site's NewsMediaOrganization JSON-LD."""
