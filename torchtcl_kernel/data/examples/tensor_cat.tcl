# Two mini-batches of 2-feature samples joined into one batch, then two halves side by side.
set first [torch::tensor_create {{1 2} {3 4}}]
set second [torch::tensor_create {{5 6}}]
puts [torch::tensor_print [torch::tensor_cat [list $first $second] 0]]
puts [torch::tensor_shape [torch::tensorCat -tensors [list $first $first] -dim 1]]
