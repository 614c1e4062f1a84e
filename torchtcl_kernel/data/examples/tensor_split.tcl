# Seven samples in three nearly equal parts, then split before positions 2 and 5.
set samples [torch::arange 7]
foreach part [torch::tensor_split $samples 3] { puts [torch::tensor_print $part] }
puts [llength [torch::tensorSplit -input $samples -indices {2 5}]]
