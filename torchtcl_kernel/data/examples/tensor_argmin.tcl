# The cheapest option in each row of costs, and the flat index of the cheapest overall.
set costs [torch::tensor_create {{5 3 9} {2 8 4}}]
puts [torch::tensor_print [torch::tensor_argmin $costs 1]]
puts [torch::tensor_item [torch::tensorArgmin -input $costs]]
