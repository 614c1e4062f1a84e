# The same triplets of word embeddings under two distances: euclidean (the default) and
# cosine, where only the directions matter.
set anchor [torch::tensor_create {{1.0 0.0 1.0} {0.5 0.5 0.0}}]
set positive [torch::tensor_create {{2.0 0.1 2.0} {0.4 0.6 0.1}}]
set negative [torch::tensor_create {{0.0 1.0 0.0} {0.5 0.4 0.1}}]
puts "euclidean: [torch::tensor_print [torch::triplet_margin_with_distance_loss $anchor $positive $negative euclidean 1.0 none]]"
puts "cosine: [torch::tensor_print [torch::tripletMarginWithDistanceLoss -anchor $anchor -positive $positive -negative $negative -distanceFunction cosine -margin 0.2 -reduction none]]"
