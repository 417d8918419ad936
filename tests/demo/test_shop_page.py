"""The demo shop page at ``/``: the catalogue, with the chat widget embedded as a shop would."""

from html import escape

from demo.catalogue import DEMO_CATALOGUE


def test_the_demo_shop_lists_the_catalogue_and_points_the_widget_at_this_server(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert all(escape(product.name) in html for product in DEMO_CATALOGUE)
    assert 'src="/static/assistant/widget.js" data-endpoint="http://testserver/"' in html
