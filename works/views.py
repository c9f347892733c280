def work_detail(request, pk):
    raise NotImplementedError


topic_detail = institution_detail = work_detail
