from django.urls import path

from . import views

app_name = "publicity"
urlpatterns = [
    path("grids/<int:pk>/bulletin/", views.BulletinView.as_view(), name="bulletin"),
    path("grids/<int:pk>/bulletin.pdf", views.BulletinView.as_view(as_pdf=True), name="bulletin_pdf"),
    path("grids/<int:pk>/bulletin/printed/", views.BulletinPrintedView.as_view(), name="bulletin_printed"),
    path("grids/<int:pk>/map/", views.GridMapView.as_view(), name="grid_map"),
    path("villages/<int:pk>/network/", views.NetworkView.as_view(), name="network"),
    path("villages/<int:pk>/network.pdf", views.NetworkView.as_view(as_pdf=True), name="network_pdf"),
    path("<str:scope>/<int:pk>/cards/", views.CardsView.as_view(), name="cards"),
    path("<str:scope>/<int:pk>/cards.pdf", views.CardsView.as_view(as_pdf=True), name="cards_pdf"),
    path("<str:scope>/<int:pk>/letters/", views.LettersView.as_view(), name="letters"),
    path("<str:scope>/<int:pk>/letters.pdf", views.LettersView.as_view(as_pdf=True), name="letters_pdf"),
    path("townships/<int:pk>/bulletins/", views.BoardsView.as_view(), name="boards"),
    path("townships/<int:pk>/wording/", views.WordingView.as_view(), name="wording"),
    path("cases/<int:pk>/notice/", views.NoticeView.as_view(), name="notice"),
    path("cases/<int:pk>/notice.pdf", views.NoticeView.as_view(as_pdf=True), name="notice_pdf"),
]
