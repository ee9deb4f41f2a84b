-- history_members: the published run's group members (group id, item id), COPY text
COPY (SELECT gi.group_id, gi.item_id FROM itemdup.result_group_items gi
       WHERE gi.run_id = (SELECT run_id FROM itemdup.published)) TO STDOUT
