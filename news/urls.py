from django.urls import path

from . import feeds, views, views_comments

app_name = "news"

urlpatterns = [
    path("", views.home, name="home"),
    path("chuyen-muc/<slug:slug>/", views.category, name="category"),
    path("the/<slug:slug>/", views.tag, name="tag"),
    path("bai-viet/<slug:slug>/", views.article, name="article"),
    path("bai-viet/<slug:slug>/y-kien/", views_comments.comment_form, name="comment_form"),
    path("bai-viet/<slug:slug>/in/", views.article_print, name="article_print"),
    path("xem-truoc/<int:pk>/", views.article_preview, name="preview"),
    path("tim-kiem/", views.search, name="search"),
    path("rss/", feeds.LatestArticlesFeed(), name="feed"),
    path("rss/<slug:slug>/", feeds.CategoryFeed(), name="category_feed"),
]
