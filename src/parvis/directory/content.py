"""What the directory shows on other pages, declared once (see ``parvis.core.content``): the
home page's "Find people and organisations" block (links only: no query). The directory has
no content type of its own: it searches those of accounts, organisations and officials."""

from parvis.core.home import ORDER, HomeBlock, home_blocks

from . import search_provider  # noqa: F401  (its types in the search box: parvis.core.search)

home_blocks.register(
    HomeBlock(key="directory", template="directory/_home_block.html", order=ORDER["directory"])
)
