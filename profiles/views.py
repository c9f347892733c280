def home(request):
    raise NotImplementedError


directory = researcher_detail = home
