"""Staff pages of the catalogs (清单维护, PUB-10): draft, submit, approve or return, versions, repeal, 纠错, import.

Thin: reads in ``selectors``, writes in ``services`` (which check rights and raise), content checks in
``kinds``. A ``ValidationError`` goes back next to its field; ``PermissionDenied`` becomes the 403 page;
an entry of an agency the user may not see is a 404.
"""
