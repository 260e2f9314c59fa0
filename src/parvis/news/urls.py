from django.urls import path

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.feed, name="index"),
    path("publier/", views.post_create, name="create"),
    path("mes-publications/", views.my_posts, name="my_posts"),
    # Following territories, organisations and elected officials
    path("suivis/", views.follows, name="follows"),
    path("suivre/", views.follow, name="follow"),
    path("ne-plus-suivre/", views.unfollow, name="unfollow"),
    # Subscriptions (RSS 2.0 and Atom)
    path("flux.rss", feeds.DepartementFeed(), name="feed_rss"),
    path("flux.atom", feeds.DepartementAtomFeed(), name="feed_atom"),
    path("communes/<str:insee>.rss", feeds.CommuneFeed(), name="commune_rss"),
    path("communes/<str:insee>.atom", feeds.CommuneAtomFeed(), name="commune_atom"),
    # A post
    path("<int:pk>-<slug:slug>/", views.post_detail, name="detail"),
    path("<int:pk>-<slug:slug>/modifier/", views.post_edit, name="edit"),
    path("<int:pk>-<slug:slug>/publier/", views.post_publish, name="publish"),
    path("<int:pk>-<slug:slug>/depublier/", views.post_unpublish, name="unpublish"),
    path("<int:pk>-<slug:slug>/supprimer/", views.post_discard, name="discard"),
]
