"""Sign-in through allauth, with failed attempts counted per account and client address."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth keys the "login_failed" limit by the login alone; adding the address
        # (REMOTE_ADDR, or X-Forwarded-For behind BZPEER_TRUSTED_PROXIES) means that guessing
        # one person's password locks that person out from that address only.
        login = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{login}:{self.get_client_ip(request)}"
