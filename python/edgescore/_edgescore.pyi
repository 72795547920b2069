"""Type stubs of the native module (src/python.rs). Use the wrappers in ``edgescore``."""

from typing import List, Optional, Sequence, Tuple

__version__: str

class EdgescoreError(Exception):
    """An edgescore error. ``code`` is the stable ``ERR_…`` code; ``message`` is for people."""

    code: str
    message: str

class PyIssuer:
    def __init__(
        self,
        private_jwk: Optional[str] = None,
        *,
        demo_key: bool = False,
        pkcs11: Optional[Tuple[str, str, str, str]] = None,
        kid: Optional[str] = None,
        iss: Optional[str] = None,
        aud: Sequence[str] = ...,
        lifetime_seconds: int = 2592000,
        now: int,
        models: Optional[Sequence[str]] = None,
        jwks: Optional[str] = None,
        alg: str = "EdDSA",
        status_uri: Optional[str] = None,
        status_size: int = 1048576,
    ) -> None: ...
    @property
    def kid(self) -> str: ...
    @property
    def alg(self) -> str: ...
    @property
    def iss(self) -> str: ...
    @property
    def iat(self) -> int: ...
    @property
    def lifetime_seconds(self) -> int: ...
    @property
    def aud(self) -> List[str]: ...
    @property
    def models(self) -> List[Tuple[str, str, str]]: ...
    @property
    def status_list(self) -> Optional[Tuple[str, int]]: ...
    def status_list_token(self) -> str: ...
    def jwks(self) -> str: ...
    def issue(
        self, sub: str, schema: str, features: str, holder: Optional[str] = None, status_ordinal: Optional[int] = None
    ) -> str: ...
    def issue_rows(
        self,
        subs: Sequence[str],
        schemas: Sequence[str],
        features: Sequence[str],
        holders: Optional[Sequence[Optional[str]]] = None,
        status_ordinals: Optional[Sequence[int]] = None,
    ) -> Tuple[
        List[Optional[str]], List[Optional[str]], List[Optional[int]], List[Optional[str]], List[Optional[str]]
    ]: ...

class PyScorer:
    def __init__(
        self,
        jwks: Optional[str] = None,
        model: Optional[str] = None,
        *,
        model_jwks: Optional[str] = None,
        policy: Optional[str] = None,
        audience: Optional[str] = None,
        issuers: Sequence[str] = ...,
        leeway_seconds: Optional[int] = None,
        max_age_seconds: Optional[int] = None,
        no_max_age: bool = False,
        require_binding: bool = False,
        presentation_max_age_seconds: Optional[int] = None,
    ) -> None: ...
    @property
    def model(self) -> Tuple[str, str, str]: ...
    def add_status_list(self, token: str, *, now: int) -> str: ...
    def score(
        self,
        presentation: str,
        *,
        now: int,
        nonce: Optional[str] = None,
        context: Optional[str] = None,
        disclose: str = "band",
    ) -> str: ...
    def score_many(
        self,
        items: Sequence[Tuple[str, Optional[str], Optional[str]]],
        *,
        now: int,
        disclose: str = "band",
    ) -> List[str]: ...

def score_feature_rows(rows: Sequence[str], model: Optional[str] = None, jwks: Optional[str] = None) -> List[str]: ...
def demo_material() -> Tuple[str, str, str]: ...
def error_codes() -> List[str]: ...
