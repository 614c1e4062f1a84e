# The most common dice roll overall, and per player (rows).
set rolls [torch::tensor_create {{6 2 6 3 6} {1 4 4 2 5}} int64]
puts [torch::tensor_item [torch::tensor_mode $rolls]]
puts [torch::tensor_print [torch::tensorMode -input $rolls -dim 1]]
