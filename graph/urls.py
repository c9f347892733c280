app_name = "graph"

urlpatterns = []
