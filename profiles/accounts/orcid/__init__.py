"""Sign-in with ORCID: allauth's provider, with ORCID's addresses taken from the settings.

allauth's own ORCID adapter builds its URLs once, at import, as https://<BASE_DOMAIN> and
https://pub.<BASE_DOMAIN>, so it can point at ORCID's production or sandbox registry but at no
other server. This one reads ORCID_BASE_URL (authorize and token) and ORCID_API_URL (the public
record) at each request, which lets a test run the whole flow against a local server; and its
pages answer 404 while no ORCID client id and secret are configured.
"""
